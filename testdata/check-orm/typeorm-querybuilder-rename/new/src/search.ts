import { DataSource } from "typeorm";

export function search(ds: DataSource, q: string) {
  return ds
    .createQueryBuilder()
    .select("u.id")
    .from("users", "u")
    .where("u.handle = :q", { q })
    .getRawMany();
}
