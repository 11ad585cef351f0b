package com.shop.users;

import static com.shop.jooq.Tables.USERS;

import org.jooq.DSLContext;

public class UserQueries {
    public Object nicknames(DSLContext ctx) {
        return ctx.select(USERS.ID, USERS.NICKNAME).from(USERS).fetch();
    }
}
