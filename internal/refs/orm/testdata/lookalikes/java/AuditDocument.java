package com.shop.audit;

import dev.morphia.annotations.Entity;
import dev.morphia.annotations.Id;

/** A MongoDB document: Morphia's @Entity maps no table. */
@Entity("audit")
public class AuditDocument {
    @Id
    private String id;
    private String nickname;
}
