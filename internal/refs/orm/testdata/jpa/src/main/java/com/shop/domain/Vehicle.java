package com.shop.domain;

import jakarta.persistence.*;

@Entity
@Inheritance(strategy = InheritanceType.JOINED)
public class Vehicle {
    @Id
    private Long vehicleId;

    private String plate;
}

@Entity
class Truck extends Vehicle {
    private int axleCount;
}
