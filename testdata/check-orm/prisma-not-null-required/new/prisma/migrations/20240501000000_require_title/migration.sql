-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;
