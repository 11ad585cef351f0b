package com.shop.domain;

import jakarta.persistence.*;
import org.hibernate.annotations.Formula;
import java.util.List;

/** A customer. @Column(name = "in_a_comment") is not a column. */
@Entity
@Table(name = "customers")
public class Customer extends BaseEntity {
    public static final String KIND = "customer";

    private String firstName;

    @Column(name = "nick", length = 40)
    private String nickname;

    @Transient
    private String displayName;

    private transient int cachedScore;

    @Formula("(select count(*) from orders o where o.customer_id = id)")
    private int orderCount;

    @ManyToOne(fetch = FetchType.LAZY)
    private Company company;

    @Embedded
    @AttributeOverride(name = "street", column = @Column(name = "home_street"))
    private Address address;

    @OneToMany(mappedBy = "customer")
    private List<Order> orders;

    public String getNickname() {
        return nickname;
    }
}
