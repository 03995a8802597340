"""Where "zoom to the eyes" looks: between the eye landmarks, else 40 % down the face box."""
import numpy as np

from app.core.eye_zoom import eye_point, eye_points


def test_the_point_between_the_eyes_from_landmarks_else_the_box():
    marks = np.array([[1000, 500], [1200, 520], [1100, 600], [1050, 700], [1150, 700]], np.float32)
    assert eye_point({"x": 900, "y": 300, "w": 400, "h": 500, "landmarks": marks}, 4000, 2000) == \
        (1100 / 4000, 510 / 2000)
    assert eye_point({"x": 900, "y": 300, "w": 400, "h": 500, "landmarks": None}, 4000, 2000) == \
        (1100 / 4000, (300 + 0.4 * 500) / 2000)


def test_every_face_largest_first(catalog):
    pid = catalog.photos.upsert("/lib/group.jpg", {"status": "ok", "content_hash": "hg", "width": 4000, "height": 3000})
    assert eye_points(catalog, pid) == []
    marks = np.array([[300, 300], [340, 300], [320, 330], [305, 350], [335, 350]], np.float32).tobytes()
    catalog.conn.execute("INSERT INTO faces (photo_id, x, y, w, h, landmarks) VALUES (?, 280, 260, 80, 100, ?)",
                         (pid, marks))
    catalog.conn.execute("INSERT INTO faces (photo_id, x, y, w, h) VALUES (?, 2000, 1000, 400, 500)", (pid,))
    catalog.conn.commit()
    assert eye_points(catalog, pid) == [(2200 / 4000, 1200 / 3000), (320 / 4000, 300 / 3000)]
