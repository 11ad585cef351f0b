export function show(res: any, user: any) {
  const body = { nickname: user.nickname, legacy: user.legacy };
  res.json(body);
  return JSON.stringify({ select: ["nickname"], where: { legacy: 1 } });
}
