module.exports = (user) => ({ nickname: user.nickname, legacy: undefined, attributes: ["legacy"] });
