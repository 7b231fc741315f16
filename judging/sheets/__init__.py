"""Score sheets: what each judge gives each assigned entry, drafted, submitted, or recused from."""
