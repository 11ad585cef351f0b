package com.shop.users

import jakarta.persistence.*

@Entity
@Table(name = "users")
class User(
    @Id @GeneratedValue(strategy = GenerationType.IDENTITY) val id: Long? = null,
    var nickname: String = "",
    @Transient var legacy: String? = null,
    var createdAt: java.time.Instant? = null,
)
