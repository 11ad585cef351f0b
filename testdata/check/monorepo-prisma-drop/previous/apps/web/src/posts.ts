export const listPosts = (db) => db.$queryRaw`SELECT id, title FROM "Post"`;
