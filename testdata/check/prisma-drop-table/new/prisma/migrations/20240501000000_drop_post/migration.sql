-- DropTable
DROP TABLE "Post";
