package vernier.server.check;

import java.util.ArrayList;
import java.util.List;
import vernier.server.ApiException;

/** Collects every bad field of a request so the user sees all problems at once. */
public final class Violations {

  private final List<ApiException.FieldViolation> list = new ArrayList<>();

  public void add(String field, String description) {
    list.add(new ApiException.FieldViolation(field, description));
  }

  public int count() {
    return list.size();
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  @Override
  public String toString() {
    return String.join("; ", list.stream().map(Object::toString).toList());
  }

  public void throwIfAny() {
    if (!list.isEmpty()) {
      throw ApiException.invalid(list);
    }
  }
}
