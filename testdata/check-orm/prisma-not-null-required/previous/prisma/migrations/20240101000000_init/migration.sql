CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT,
    "subtitle" TEXT,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);
