export function show(res: any, user: { nickname: string }) {
  return res.json({ nickname: user.nickname, legacy: null });
}
