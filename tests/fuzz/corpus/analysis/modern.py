import tensorflow as tf

type Pair[T] = tuple[T, T]


@tf.function(jit_compile=True, reduce_retracing=True)
async def f[T](x: tf.Tensor, *args, n: int = 3, **kw) -> T:
    match x:
        case [a, b, *rest] if a > 0:
            y = (z := a + b)
        case {"k": v}:
            y = v
        case _:
            y = lambda q=1, /, *, r: q
    async with ctx() as c, other():
        await c
    try:
        yield from range(n)
    except* ValueError as e:
        nonlocal_value = e
    finally:
        del y
    return x @ x
