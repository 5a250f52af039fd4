/**
 * The shell scripts `lk completion bash|zsh|fish` prints. Each asks `lk __complete -- WORDS…`
 * (the words after `lk`, the one being completed last) and offers what it prints, one per line.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# lk completion for bash. Load it with: source <(lk completion bash)
# or save it: lk completion bash > ~/.local/share/bash-completion/completions/lk
_lk_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$(lk __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "$cur") )
}
complete -o default -F _lk_complete lk
`;

// Saved as _lk in $fpath, the file is autoloaded as the body of _lk at the first completion: it
// defines _lk and must then complete (funcstack[1] is _lk); sourced, it registers _lk. Empty
// output is no candidates (not one empty one); with none, file names, as bash's -o default.
const ZSH = `#compdef lk
# lk completion for zsh. Load it with: source <(lk completion zsh)   (after compinit)
# or save it as _lk in a folder of $fpath: lk completion zsh > "\${fpath[1]}/_lk"
_lk() {
  local -a candidates
  candidates=("\${(@f)$(lk __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=("\${(@)candidates:#}")
  if (( $#candidates )); then compadd -a candidates; else _files; fi
}
if [[ "$funcstack[1]" == _lk ]]; then _lk "$@"; elif (( $+functions[compdef] )); then compdef _lk lk; fi
`;

const FISH = `# lk completion for fish. Load it with: lk completion fish | source
# or save it: lk completion fish > ~/.config/fish/completions/lk.fish
function __lk_complete
    # The words before the cursor (without lk), then the one being completed, even when empty.
    set -l before (commandline -opc)
    set -l current (commandline -ct)
    set -l offered (lk __complete -- $before[2..-1] "$current" 2>/dev/null)
    if set -q offered[1]
        printf '%s\\n' $offered
    else
        # nothing from lk (a file argument such as --output): file names, as bash's -o default
        __fish_complete_path "$current"
    end
end
complete -c lk -f -a '(__lk_complete)'
`;

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? BASH : shell === 'zsh' ? ZSH : FISH;
}
