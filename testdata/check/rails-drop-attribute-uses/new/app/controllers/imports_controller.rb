class ImportsController < ApplicationController
  def import_params
    params.require(:import).permit(:col_sep)
  end
end
