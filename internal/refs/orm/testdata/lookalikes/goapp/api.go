package goapp

// UserResponse is an API body, not a model.
type UserResponse struct {
	Nickname string `json:"nickname"`
	Legacy   string `json:"legacy,omitempty" bun:"legacy"`
}
