"""The HTTP API of the voucher life cycle (/api/v1/): thin views over the services and the
actor-scoped selectors of vouchers.api.selectors."""
