package com.shop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

public class CustomerDto {
    @JsonProperty("nick")
    private String nickname;
    private String firstName;
}
