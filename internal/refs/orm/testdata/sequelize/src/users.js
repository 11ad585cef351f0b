const db = require("../models");

async function list() {
  const users = await db.User.findAll({
    attributes: ["nickname", ["firstName", "first"]],
    where: { lastName: "x", legacyFlag: null },
    order: [["nickname", "DESC"]],
  });
  await db.User.update({ nickname: "y" }, { where: { id: 1 } });
  const payload = { nickname: users[0].nickname, attributes: ["lastName"] };
  return payload;
}

module.exports = { list };
