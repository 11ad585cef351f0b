CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "subtitle" TEXT,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);
