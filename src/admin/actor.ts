/** Who performs an administrative change; every change is audited with it. */
export type Actor =
  { kind: 'cli' } | { kind: 'admin'; accountId: string } | { kind: 'token'; tokenId: string };
