-- AlterTable
ALTER TABLE "Post" DROP COLUMN "subtitle";
