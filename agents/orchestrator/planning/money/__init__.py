"""What is spent and what a result may cost: amounts, budgets, periods and targets."""
