package com.shop.billing

import jakarta.persistence.*

@Entity
@Table(name = "invoices")
class Invoice(
    @Id @GeneratedValue val id: Long? = null,
    @Column(name = "amount_cents") var amount: Long = 0,
    var dueOn: java.time.LocalDate? = null,
    @Transient val preview: Boolean = false,
    plain: String = "",
) {
    var paidAt: java.time.Instant? = null

    @Transient
    var note: String = ""

    val isPaid: Boolean
        get() = paidAt != null

    @ManyToOne
    lateinit var payer: Payer
}

@Entity
class Payer(@Id val id: Long = 0, var fullName: String = "")

interface InvoiceRepository : org.springframework.data.jpa.repository.JpaRepository<Invoice, Long> {
    @Query("select i from Invoice i where i.amount > :min and i.payer.fullName = :n")
    fun large(min: Long, n: String): List<Invoice>
}
