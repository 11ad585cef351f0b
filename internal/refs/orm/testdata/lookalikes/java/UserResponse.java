package com.shop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

public record UserResponse(@JsonProperty("nickname") String nickname, String legacy) {
    public static UserResponse of(String nickname) {
        return new UserResponse(nickname, null);
    }
}
