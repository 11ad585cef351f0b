package com.shop.users;

public record UserDto(String nickname, String legacy) {}
