from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField

from webapp.web.widgets import GovCheckboxInput, GovFileInput, GovSubmitInput


class BatchFileForm(FlaskForm):
    batch_file = FileField("Batch file", widget=GovFileInput(),
                           description="A .csv file (UTF-8) or an .xml file",
                           validators=[FileRequired("Choose a batch file")])
    validate_only = BooleanField("Validate only: check every row and produce the output "
                                 "file without changing any record", widget=GovCheckboxInput())
    submit_again = BooleanField("Submit this file again (it was submitted before)",
                                widget=GovCheckboxInput())
    submit = SubmitField("Submit batch file", widget=GovSubmitInput())
