import Gateway
print("overtake: gateway not wired yet")
