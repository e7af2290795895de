def function(f):
    return f


@function
def step(x):
    print(x)
    return x
