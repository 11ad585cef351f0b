package com.shop.domain;

import jakarta.persistence.*;

@Entity
@Table(name = "orders", schema = "sales")
public class Order {
    @Id
    private Long id;

    @ManyToOne
    @JoinColumn(name = "customer_id")
    private Customer customer;

    private long totalCents;
}
