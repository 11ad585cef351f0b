-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "subtitle" SET NOT NULL;
