import { PrismaClient } from "@prisma/client";

const prisma = new PrismaClient();

export async function teasers() {
  return prisma.post.findMany({
    select: { title: true, subtitle: true },
    where: { subtitle: { not: null } },
  });
}
