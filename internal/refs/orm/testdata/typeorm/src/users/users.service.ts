import { Injectable } from "@nestjs/common";
import { InjectRepository } from "@nestjs/typeorm";
import { Repository, DataSource } from "typeorm";
import { User } from "../entities";

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly ds: DataSource,
  ) {}

  search(n: string) {
    return this.users
      .createQueryBuilder("u")
      .leftJoinAndSelect("u.company", "c")
      .select(["u.id", "u.nickname"])
      .where("u.firstName = :n AND c.name = :n", { n })
      .andWhere("u.legacy_flag IS NULL")
      .orderBy("u.createdAt", "DESC")
      .getMany();
  }

  rename(id: number, nickname: string) {
    return this.ds.createQueryBuilder().update(User).set({ nickname }).where("id = :id", { id }).execute();
  }

  raw() {
    return this.ds.createQueryBuilder().select("a.total").from("audit_log", "a").getRawMany();
  }
}
