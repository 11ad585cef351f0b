export * from "./user.entity";
export * from "./company.entity";
export { Role as AppRole } from "./role.entity";
