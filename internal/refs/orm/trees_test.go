package orm

import "testing"

// TypeORM entities (naming, inheritance, embedded classes, relations, select: false, join tables) and the query builder; DTOs, GraphQL types and JSON keys are quiet.
func TestTypeORMTree(t *testing.T) {
	checkTree(t, JavaScript, "typeorm", []string{
		"src/entities/company.entity.ts:5:14 crm.company_account model resolved typeorm cols=uuid,name",
		"src/entities/role.entity.ts:4:14 role model resolved typeorm cols=code,title",
		"src/entities/user.entity.ts:13:14 users model resolved typeorm cols=id,createdAt,updated_at,nickname,first_name,passwordHash,companyUuid,main_role_id,addressStreet,addressZip,billStreet,billZip ignored=passwordHash,legacy",
		"src/entities/user.entity.ts:22:3 users.passwordHash insert resolved typeorm",
		"src/entities/user.entity.ts:42:3 users_roles_role model resolved typeorm cols=usersId,roleCode",
		"src/users/users.service.ts:17:17 users.id select resolved typeorm",
		"src/users/users.service.ts:17:25 users.nickname select resolved typeorm",
		"src/users/users.service.ts:18:15 users.first_name select resolved typeorm",
		"src/users/users.service.ts:18:36 crm.company_account.name select resolved typeorm",
		"src/users/users.service.ts:19:18 users.legacy_flag select resolved typeorm",
		"src/users/users.service.ts:20:17 users.createdAt select resolved typeorm",
		"src/users/users.service.ts:25:60 users.nickname update resolved typeorm",
		"src/users/users.service.ts:29:49 audit_log.total select resolved typeorm",
	})
}

// MikroORM entities: a base class, fieldName, lazy, persist: false, @Formula, relations, embeddables, abstract entities.
func TestMikroORMTree(t *testing.T) {
	checkTree(t, JavaScript, "mikroorm", []string{
		"src/entities/Author.ts:12:14 authors model resolved mikroorm cols=id,created_at,updated_at,full_name,email_address,bio,publisher_id,address_street_name ignored=bio",
		"src/entities/Author.ts:20:3 authors.bio insert resolved mikroorm",
		"src/entities/Publisher.ts:5:14 book_publisher model resolved mikroorm cols=id,name",
	})
}

// Sequelize CLI models (Model.init, sequelize.define), underscored, paranoid, timestamps, associations, and the attributes/where/order of queries.
func TestSequelizeTree(t *testing.T) {
	checkTree(t, JavaScript, "sequelize", []string{
		"models/company.js:2:29 companies model resolved sequelize cols=code,name",
		"models/post.js:2:13 Post model resolved sequelize cols=id,title,bodyText,createdAt,modified_at,author_id",
		"models/user.js:5:9 users model resolved sequelize cols=id,nickname,given_name,last_name,created_at,updated_at,deleted_at,company_code",
		"src/users.js:5:19 users.nickname select resolved sequelize",
		"src/users.js:5:32 users.given_name select resolved sequelize",
		"src/users.js:6:14 users.last_name select resolved sequelize",
		"src/users.js:6:29 users.legacyFlag select resolved sequelize",
		"src/users.js:7:15 users.nickname select resolved sequelize",
		"src/users.js:9:26 users.nickname update resolved sequelize",
		"src/users.js:9:54 users.id select resolved sequelize",
	})
}

// sequelize-typescript @Table classes.
func TestSequelizeTypeScriptTree(t *testing.T) {
	checkTree(t, JavaScript, "sequelize-ts", []string{
		"src/models/account.model.ts:5:14 accounts model resolved sequelize cols=id,display_name,mail,owner_id,opened",
		"src/models/owner.model.ts:4:14 Owners model resolved sequelize cols=id,name,createdAt,updatedAt",
	})
}

// Drizzle tables (pgTable, pgSchema().table, casing) and the column uses of queries.
func TestDrizzleTree(t *testing.T) {
	checkTree(t, JavaScript, "drizzle", []string{
		"src/db/schema.ts:12:33 billing.invoices model resolved drizzle cols=id,user_id,total_cents",
		"src/db/schema.ts:14:53 users.id select resolved drizzle",
		"src/db/schema.ts:3:22 users model resolved drizzle cols=id,nickname,first_name,created_at",
		"src/queries.ts:6:101 users.nickname select resolved drizzle",
		"src/queries.ts:6:44 users.id select resolved drizzle",
		"src/queries.ts:6:61 users.first_name select resolved drizzle",
		"src/queries.ts:7:38 billing.invoices.user_id insert resolved drizzle",
		"src/queries.ts:7:58 billing.invoices.total_cents insert resolved drizzle",
		"src/queries.ts:8:32 users.nickname update resolved drizzle",
		"src/queries.ts:8:64 users.id select resolved drizzle",
	})
}

// Knex chains: instances, aliases, joins, where objects, insert, update, delete, select *; knex.schema is not a query.
func TestKnexTree(t *testing.T) {
	checkTree(t, JavaScript, "knex", []string{
		"src/users.js:10:15 audit delete resolved knex",
		"src/users.js:10:30 audit.id select resolved knex",
		"src/users.js:11:13 sessions wildcard resolved knex",
		"src/users.js:11:32 sessions.token select resolved knex",
		"src/users.js:5:13 users select resolved knex",
		"src/users.js:5:29 users.id select resolved knex",
		"src/users.js:5:35 users.nickname select resolved knex",
		"src/users.js:5:54 users.email select resolved knex",
		"src/users.js:6:106 orders.status select ambiguous knex",
		"src/users.js:6:106 users.status select ambiguous knex",
		"src/users.js:6:13 users select resolved knex",
		"src/users.js:6:32 orders select resolved knex",
		"src/users.js:6:47 orders.user_id select resolved knex",
		"src/users.js:6:60 users.id select resolved knex",
		"src/users.js:6:75 users.nickname select resolved knex",
		"src/users.js:6:89 orders.total select resolved knex",
		"src/users.js:7:15 users update resolved knex",
		"src/users.js:7:30 users.id select resolved knex",
		"src/users.js:7:47 users.nickname update resolved knex",
		"src/users.js:7:57 users.updated_at update resolved knex",
		"src/users.js:8:15 users insert resolved knex cols=nickname,email",
		"src/users.js:8:32 users.nickname insert resolved knex",
		"src/users.js:8:42 users.email insert resolved knex",
		"src/users.js:8:67 users.id select resolved knex",
		"src/users.js:9:22 users.karma select resolved knex",
		"src/users.js:9:36 users select resolved knex",
		"src/users.js:9:53 users.id select resolved knex",
	})
}

// Kysely chains with the CamelCasePlugin, joins, CTEs, selectAll.
func TestKyselyTree(t *testing.T) {
	checkTree(t, JavaScript, "kysely", []string{
		"src/repo.ts:10:50 pet select resolved kysely",
		"src/repo.ts:10:64 pet.id select resolved kysely",
		"src/repo.ts:5:102 pet.name select resolved kysely",
		"src/repo.ts:5:132 person.last_name select resolved kysely",
		"src/repo.ts:5:24 person select resolved kysely",
		"src/repo.ts:5:49 pet select resolved kysely",
		"src/repo.ts:5:56 pet.owner_id select resolved kysely",
		"src/repo.ts:5:71 person.id select resolved kysely",
		"src/repo.ts:5:87 person.first_name select resolved kysely",
		"src/repo.ts:6:24 person insert resolved kysely cols=first_name,last_name",
		"src/repo.ts:6:42 person.first_name insert resolved kysely",
		"src/repo.ts:6:58 person.last_name insert resolved kysely",
		"src/repo.ts:6:86 person.id select resolved kysely",
		"src/repo.ts:7:25 person update resolved kysely",
		"src/repo.ts:7:40 person.last_name update resolved kysely",
		"src/repo.ts:7:64 person.id select resolved kysely",
		"src/repo.ts:8:24 pet delete resolved kysely",
		"src/repo.ts:8:37 pet.name select resolved kysely",
		"src/repo.ts:9:24 person select resolved kysely",
		"src/repo.ts:9:33 person wildcard resolved kysely",
	})
}

// JPA entities in Java and Kotlin (Spring naming, mapped superclass, embedded, inheritance), JPQL in @Query, jOOQ generated and default tables.
func TestJPATree(t *testing.T) {
	checkTree(t, JVM, "jpa", []string{
		"src/main/java/com/shop/domain/Company.java:6:14 company model resolved jpa cols=code,legal_name",
		"src/main/java/com/shop/domain/Customer.java:10:14 customers model resolved jpa cols=id,created_at,updated_at,first_name,nick,company_code,home_street,zip_code",
		"src/main/java/com/shop/domain/Order.java:7:14 sales.orders model resolved jpa cols=id,customer_id,total_cents",
		"src/main/java/com/shop/domain/Vehicle.java:15:7 truck model resolved jpa cols=vehicle_id,axle_count",
		"src/main/java/com/shop/domain/Vehicle.java:7:14 vehicle model resolved jpa cols=vehicle_id,plate",
		"src/main/java/com/shop/repo/CustomerRepository.java:12:37 customers.nick update resolved jpa",
		"src/main/java/com/shop/repo/CustomerRepository.java:12:62 customers.company_code select resolved jpa",
		"src/main/java/com/shop/repo/CustomerRepository.java:9:106 customers.company_code select resolved jpa",
		"src/main/java/com/shop/repo/CustomerRepository.java:9:114 company.legal_name select resolved jpa",
		"src/main/java/com/shop/repo/CustomerRepository.java:9:62 customers.first_name select resolved jpa",
		"src/main/java/com/shop/repo/CustomerRepository.java:9:83 sales.orders.total_cents select resolved jpa",
		"src/main/java/com/shop/report/AccountReport.java:18:24 accounts model resolved jooq cols=id,owner_name",
		"src/main/java/com/shop/report/AccountReport.java:19:27 ledger.amount_cents select resolved jooq",
		"src/main/java/com/shop/report/AccountReport.java:20:36 accounts.owner_name select resolved jooq",
		"src/main/java/com/shop/report/AccountReport.java:20:78 accounts.id select resolved jooq",
		"src/main/kotlin/com/shop/billing/Invoice.kt:27:7 payer model resolved jpa cols=id,full_name",
		"src/main/kotlin/com/shop/billing/Invoice.kt:30:45 invoices.amount_cents select resolved jpa",
		"src/main/kotlin/com/shop/billing/Invoice.kt:30:65 invoices.payer_id select resolved jpa",
		"src/main/kotlin/com/shop/billing/Invoice.kt:30:71 payer.full_name select resolved jpa",
		"src/main/kotlin/com/shop/billing/Invoice.kt:7:7 invoices model resolved jpa cols=id,amount_cents,due_on,paid_at,payer_id",
	})
}

// ent schemas: mixins, StorageKey, annotations, edges and their foreign keys.
func TestEntTree(t *testing.T) {
	checkTree(t, Ent, "ent", []string{
		"ent/schema/pet.go:10:6 pets model resolved ent cols=id,name,owner_id",
		"ent/schema/pet.go:29:6 cards model resolved ent cols=id,number",
		"ent/schema/user.go:15:6 users model resolved ent cols=id,create_time,update_time,created_by,nick,age,status,user_card",
		"ent/schema/user.go:40:6 teams model resolved ent cols=id,name",
	})
}

// bun models: table tag, default names, embedded structs, skipped fields.
func TestBunTree(t *testing.T) {
	checkTree(t, Bun, "bun", []string{
		"store/models.go:14:6 users model resolved bun cols=id,nick,user_id,created_at,updated_at,home_street,home_city",
		"store/models.go:33:6 profiles model resolved bun cols=id,user_id,http_endpoint",
	})
}

// SQLBoiler generated models.
func TestSQLBoilerTree(t *testing.T) {
	checkTree(t, SQLBoiler, "sqlboiler", []string{
		"models/users.go:13:6 app.users model resolved sqlboiler cols=id,nickname,email",
	})
}
