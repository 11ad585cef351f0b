package com.shop.report;

import static com.shop.jooq.Tables.ACCOUNTS;
import static com.shop.jooq.Tables.LEDGER;

import org.jooq.DSLContext;

public class AccountReport {
    private final DSLContext ctx;
    enum Level { LOW, HIGH }

    public AccountReport(DSLContext ctx) {
        this.ctx = ctx;
    }

    public Object run() {
        Level l = Level.HIGH;
        ctx.selectFrom(ACCOUNTS).fetch();
        ctx.select(LEDGER.AMOUNT_CENTS).from(LEDGER).fetch();
        return ctx.select(ACCOUNTS.OWNER_NAME).from(ACCOUNTS).where(ACCOUNTS.ID.eq(1L)).fetch();
    }
}
