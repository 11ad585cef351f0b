import $ from "jquery";
import _ from "lodash";

export function render(rows) {
  $("input.nickname").select();
  const picked = _.where(rows, { nickname: "x" });
  const form = { select: ["nickname"], where: { legacy: 1 }, insert: { nickname: "y" } };
  fetch("/api/users", { method: "POST", body: JSON.stringify({ nickname: "z", legacy: null }) });
  return document.querySelector("#users").closest("form").first;
}
