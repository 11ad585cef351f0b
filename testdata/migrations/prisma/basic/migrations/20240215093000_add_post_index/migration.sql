-- CreateIndex
CREATE INDEX "User_name_idx" ON "User"("name");
