/** The "External Tool Access" page, where a user generates an API key (https://www.labkey.org/Documentation/wiki-page.view?name=apikey). */
export function externalToolAccessUrl(baseUrl: string, container = '/home'): string {
  const path = container
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
  return `${baseUrl}/${path ? `${path}/` : ''}security-externalToolsView.view`;
}
