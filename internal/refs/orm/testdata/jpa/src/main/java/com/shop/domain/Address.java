package com.shop.domain;

import jakarta.persistence.Embeddable;

@Embeddable
public class Address {
    private String street;
    private String zipCode;
}
