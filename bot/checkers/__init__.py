"""The domain's own judgements, with no dialogue in them: the job-ad red flags, pay amounts in
three languages, and the situation check's result rules. The action server and the tools use them."""
