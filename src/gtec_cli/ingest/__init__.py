"""Reading what users drop: workbooks (observatory, audits, plan follow-up) and public files,
checked cell by cell into validated rows before anything reaches the store."""
