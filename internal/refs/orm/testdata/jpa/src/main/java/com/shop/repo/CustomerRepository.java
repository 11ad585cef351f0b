package com.shop.repo;

import com.shop.domain.Customer;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import java.util.List;

public interface CustomerRepository extends JpaRepository<Customer, Long> {
    @Query("select c from Customer c join c.orders o where c.firstName = :n and o.totalCents > 100 and c.company.legalName = :l")
    List<Customer> byName(String n, String l);

    @Query("update Customer c set c.nickname = :nick where c.company.code = :code")
    int rename(String nick, String code);

    @Query(value = "SELECT * FROM customers WHERE nick = ?1", nativeQuery = true)
    List<Customer> nativeByNick(String nick);
}
