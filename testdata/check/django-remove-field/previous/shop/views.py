from .models import Order


def receipt(order):
    return f"{order.total} ({order.coupon_code})"
