defmodule App.Repo.Migrations.DropKarma do
  use Ecto.Migration

  def change do
    alter table(:users) do
      remove :karma
    end
  end
end
