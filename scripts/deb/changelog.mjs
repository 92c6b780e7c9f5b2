// changelog.Debian: one entry for the version built, dated by the last commit (reproducible builds).
export function changelogText({ version, upstream, commit, epoch }) {
  const date = new Date(Number(epoch) * 1000).toUTCString().replace('GMT', '+0000');
  return `aimlock (${version}) unstable; urgency=medium

  * Package of aimlock ${upstream} (git ${commit}), built with dpkg-deb from the
    board tree: agent, its own Node.js and production node_modules.

 -- aimlock maintainers <aimlock@example.org>  ${date}
`;
}
