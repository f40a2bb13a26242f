fn main() {
    tongban_web::start();
}
