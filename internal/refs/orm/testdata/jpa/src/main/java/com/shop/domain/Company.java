package com.shop.domain;

import jakarta.persistence.*;

@Entity
public class Company {
    @Id
    private String code;

    private String legalName;
}
