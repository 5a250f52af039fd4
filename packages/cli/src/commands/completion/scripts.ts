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

const ZSH = `#compdef lk
# lk completion for zsh. Load it with: source <(lk completion zsh)
# or save it as _lk in a folder of $fpath: lk completion zsh > "\${fpath[1]}/_lk"
_lk() {
  local -a candidates
  candidates=("\${(@f)$(lk __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
if (( $+functions[compdef] )); then compdef _lk lk; fi
`;

const FISH = `# lk completion for fish. Load it with: lk completion fish | source
# or save it: lk completion fish > ~/.config/fish/completions/lk.fish
function __lk_complete
    # The words before the cursor (without lk), then the one being completed, even when empty.
    set -l before (commandline -opc)
    set -l current (commandline -ct)
    lk __complete -- $before[2..-1] "$current" 2>/dev/null
end
complete -c lk -f -a '(__lk_complete)'
`;

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? BASH : shell === 'zsh' ? ZSH : FISH;
}
