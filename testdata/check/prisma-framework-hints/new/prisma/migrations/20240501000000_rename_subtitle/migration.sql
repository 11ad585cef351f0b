-- AlterTable
ALTER TABLE "Post" RENAME COLUMN "subtitle" TO "tagline";
