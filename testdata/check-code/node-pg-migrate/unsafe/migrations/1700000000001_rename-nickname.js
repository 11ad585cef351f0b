exports.up = (pgm) => {
  pgm.renameColumn('users', 'nickname', 'handle');
};

exports.down = (pgm) => {
  pgm.renameColumn('users', 'handle', 'nickname');
};
