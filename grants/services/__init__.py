"""Operations that change applications and grants, one module per side of the process."""
